import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import { installTestApi } from './testApi'
import { App } from './ui/App'

installTestApi()

const root = document.getElementById('root')
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
