#!/usr/bin/python3
"""Writes the seed corpus of tests/fuzz/fuzz_multipart.c into tests/fuzz/corpus/multipart/.

Each seed is the harness's 3-byte prefix (chunking, boundary index, abort choice) and a body.
Run it again after changing the bodies below; the output is committed so that the fuzz targets
need nothing but make and clang.
"""
import os
import sys

B = b"AaB03x"  # boundary index 0 in the harness
CD = b"Content-Disposition: form-data; "


def part(headers, data, b=B):
    return b"--" + b + b"\r\n" + headers + b"\r\n" + data + b"\r\n"


def close(b=B):
    return b"--" + b + b"--\r\n"


SEEDS = {
    # valid
    "simple": part(CD + b'name="field1"\r\n', b"Joe Blow")
    + part(CD + b'name="pics"; filename="file1.txt"\r\nContent-Type: text/plain\r\n', b"...")
    + close(),
    "empty-form": close(),
    "preamble-epilogue": b"preamble\r\n" + part(CD + b"name=a\r\n", b"1") + close() + b"epilogue",
    "lookalikes": part(CD + b"name=a\r\n", b"\r\n-\r\n--\r\n--AaB03\r\n--AaB03y--AaB03x") + close(),
    "padding": b"--AaB03x \t\r\n" + CD + b"name=a\r\n\r\nv\r\n--AaB03x-- \r\n",
    "filename-ext": part(CD + b"name=f; filename=\"x\"; filename*=UTF-8''%E2%82%AC%20a.txt\r\n",
                         b"\x00\xff\r\n")
    + part(CD + b"name=g; filename*=ISO-8859-1'en'%A3.txt\r\n", b"") + close(),
    "quoted": part(CD + b'name="a\\"b\\\\c"; filename="../..\\\\evil\xe2\x80\xae.exe"\r\n', b"x")
    + close(),
    "utf8-names": part(CD + b'name="caf\xc3\xa9"; filename="\xc3\xa9t\xc3\xa9 \xff.pdf"\r\n', b"x")
    + close(),
    # invalid
    "no-close": part(CD + b"name=a\r\n", b"data"),
    "no-name": part(CD + b"filename=a\r\n", b"x") + close(),
    "folded": part(CD + b"name=a\r\nX-A: 1\r\n 2\r\n", b"x") + close(),
    "bare-lf": b"--AaB03x\r\n" + CD + b"name=a\n\nx\r\n--AaB03x--",
    "bad-pct": part(CD + b"name=a; filename*=UTF-8''%G1\r\n", b"x") + close(),
    "nul-header": part(CD + b'name="a\x00"\r\n', b"x") + close(),
    "bad-delimiter-line": b"--AaB03xyz\r\n" + CD + b"name=a\r\n\r\nx\r\n--AaB03x--",
}

# a Content-Type value: the harness also tries the body as one
CT = {"content-type": b'multipart/form-data; charset=utf-8; boundary="a b:c"'}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "multipart")
    os.makedirs(out, exist_ok=True)
    for i, (name, body) in enumerate(sorted(SEEDS.items())):
        # vary the chunking pattern (byte 0) across seeds; no abort (byte 2)
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([i % 8, 0, 0]) + body)
    for name, body in CT.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"\x00\x00\x00" + body)
    # one seed that aborts at the second callback
    with open(os.path.join(out, "abort"), "wb") as f:
        f.write(b"\x01\x00\xf1" + SEEDS["simple"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
