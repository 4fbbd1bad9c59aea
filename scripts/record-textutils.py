#!/usr/bin/env python3
"""Record what GNU coreutils prints for head, tail, wc, sort and uniq, for the engine's unit tests.

Run on Debian 12 (coreutils 9.1) with LC_ALL=C.UTF-8:
    python3 scripts/record-textutils.py > src/engine/userland/textutils.recorded.json
Each case is a command's arguments and its standard input (a pipe); the file keeps the tool's
stdout, stderr and exit status exactly as it printed them.
"""
import json
import os
import subprocess

LNC = """IPVS connection entries
pro expire state       source             virtual            destination
TCP 14:58  ESTABLISHED 10.0.0.7:40312     192.168.100.100:80 192.168.8.102:80
TCP 01:52  FIN_WAIT    10.0.0.9:40100     192.168.100.100:80 192.168.8.101:80
TCP 04:59  NONE        10.0.0.7:0         192.168.100.100:80 192.168.8.102:80
TCP 04:12  NONE        10.0.0.9:0         192.168.100.100:80 192.168.8.101:80
TCP 00:40  ESTABLISHED 10.0.0.12:51000    192.168.100.100:80 192.168.8.101:80
TCP 00:31  SYN_RECV    10.0.0.20:51022    192.168.100.100:443 192.168.8.101:443
"""
LN = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.100.100:80 rr persistent 300
  -> 192.168.8.101:80             Route   2      12         40        
  -> 192.168.8.102:80             Route   2      9          51        
TCP  192.168.100.100:443 wrr persistent 300
  -> 192.168.8.101:443            Route   1      3          7         
"""
NUMS = "10\n9\n-2\n 7\n007\n3.5\n-0\nx\n1e3\n.25\n10\n"
WORDS = "b\nB\na\n\na\nA\nb b\n\tc\nb\n"
NO_NL = "one\ntwo\nthree"
CJK = "模板\n真实服务器 x\n"

CASES = {
    "head": [
        ([], LNC), (["-3"], LN), (["-n", "2"], LN), (["-n2"], LN), (["--lines=4"], LN), (["--lin", "1"], LN),
        (["-n", "-2"], LN), (["-n", "+2"], LN), (["-n", "0"], LN), (["-c", "12"], LN), (["-c", "-300"], LN),
        (["-c", "3"], CJK), (["-n", "1"], NO_NL), (["-n", "5"], NO_NL), (["-v", "-n1"], LN), (["-q"], NO_NL),
        (["-n", "1", "-", "-"], LN), (["-n", "1k"], LN), (["-n", "1KB"], NO_NL),
        (["-n", "x"], LN), (["-n", "-x"], LN), (["-c", "x"], LN), (["-n", "1x"], LN),
        (["-n", "99999999999999999999999"], LN), (["-n"], LN), (["-x"], LN), (["--foo"], LN),
        (["--lines"], LN), (["-n", "1", "-2"], LN), (["nope"], LN), (["-n", "1", "-", "nope"], LN), ([], ""),
    ],
    "tail": [
        ([], LNC), (["-3"], LN), (["-n", "2"], LN), (["-n", "+4"], LN), (["-n", "+0"], LN), (["+2"], NO_NL),
        (["-n", "1"], NO_NL), (["-c", "5"], NO_NL), (["-c", "+3"], NO_NL), (["-n", "0"], LN), (["-l"], LN),
        (["-n", "-2"], LN), (["-v", "-n", "1"], LN), (["-n", "1", "-", "-"], LN), (["-f", "-n", "1"], LN),
        (["-n", "x"], LN), (["-n", "+x"], LN), (["-n", "-x"], LN), (["-c"], LN), (["-x"], LN),
        (["-n", "1", "-2"], LN), (["nope"], LN), ([], ""),
    ],
    "wc": [
        ([], LNC), (["-l"], LNC), (["-w"], LN), (["-c"], LN), (["-lw"], LN), (["-l", "-c"], LN),
        (["-lwc"], NO_NL), (["-m"], CJK), (["-c"], CJK), (["-L"], LN), (["-L", "-l"], "a\tb\nxyz\n"),
        (["-l", "-"], LN), (["-"], LN), (["-l", "-", "-"], LN), ([], ""), (["-l"], ""), (["--lines"], LN),
        (["-x"], LN), (["--foo"], LN), (["nope"], LN), (["-l", "nope", "-"], LN),
    ],
    "sort": [
        ([], LNC), (["-k5"], LNC), (["-k5,5"], LNC), (["-k2"], LN), (["-r"], LNC), (["-k3,3", "-r"], LNC),
        (["-n"], NUMS), (["-nr"], NUMS), (["-n", "-u"], NUMS), (["-u"], WORDS), ([], WORDS), (["-f"], WORDS),
        (["-b"], WORDS), (["-r", "-u"], WORDS), (["-t", ":", "-k2n"], "a:10\nb:9\nc:100\nd:9\n"),
        (["-t", ":", "-k2,2n", "-k1,1r"], "a:10\nb:9\nc:100\nd:9\n"), (["-t:", "-k2"], "x:b:1\ny:a:2\nz:b:0\n"),
        (["-k2n", "-r"], "b 2\na 10\nc 1\nd 2\n"), (["-k2,2n", "-s"], "b 2\na 10\nc 1\nd 2\n"),
        (["-k1.2,1.3"], "xbc\nyab\nzab\n"), (["-k2b"], "a   z\nb y\n"), (["-k2"], "a   z\nb y\n"),
        (["-k", "2,2", "-u"], "a 1\nb 1\nc 2\n"), (["-t", "", "-k1"], "a\n"), (["-t", "ab"], "a\n"),
        (["-t", ":", "-t", ";"], "a\n"), (["-k", "0"], "a\n"), (["-k", "1.0"], "a\n"), (["-k", "1,0"], "a\n"),
        (["-k", "x"], "a\n"), (["-k", "1,x"], "a\n"), (["-k", "1.x"], "a\n"), (["-k", "1,1x"], "a\n"),
        (["-k"], "a\n"), (["-x"], "a\n"), (["--foo"], "a\n"), (["nope"], "a\n"), ([], NO_NL), ([], ""),
        (["--reverse", "--numeric-sort"], NUMS), (["--key=2,2", "--field-separator=:"], "a:2\nb:1\n"),
    ],
    "uniq": [
        ([], "a\na\nb\na\n"), (["-c"], "a\na\nb\na\n"), (["-d"], "a\na\nb\nc\nc\n"), (["-u"], "a\na\nb\nc\nc\n"),
        (["-c", "-d"], "a\na\nb\n"), (["-cu"], "a\na\nb\n"), (["-d", "-u"], "a\na\nb\n"), (["-i"], "a\nA\nb\n"),
        (["-c", "-i"], "a\nA\nb\n"), (["-f", "1"], "a x\nb x\nc y\n"), (["-s", "1"], "ax\nbx\ncy\n"),
        (["-w", "1"], "ab\nac\nbc\n"), (["-c"], NO_NL), (["-c"], "\n\n"), ([], ""),
        (["-c"], "a\n" * 12345 + "b\n"), (["-f", "x"], "a\n"), (["-s", "x"], "a\n"),
        (["-w", "x"], "a\n"), (["-x"], "a\n"), (["--foo"], "a\n"), (["-", "-", "c"], "a\n"), (["nope"], "a\n"),
        (["--count", "--repeated"], "a\na\nb\n"),
    ],
}


def main() -> None:
    env = dict(os.environ, LC_ALL="C.UTF-8")
    version = subprocess.run(["head", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    out: dict = {"recorded_with": version + ", LC_ALL=C.UTF-8, Debian 12", "cases": {}}
    for cmd, cases in CASES.items():
        rows = []
        for args, stdin in cases:
            r = subprocess.run([cmd, *args], executable=f"/usr/bin/{cmd}", input=stdin.encode(), capture_output=True, env=env, cwd="/tmp")
            rows.append({
                "args": args,
                "stdin": stdin,
                "stdout": r.stdout.decode(),
                "stderr": r.stderr.decode(),
                "exit": r.returncode,
            })
        out["cases"][cmd] = rows
    print(json.dumps(out, ensure_ascii=False, indent=1))


main()
