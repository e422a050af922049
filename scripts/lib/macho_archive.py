"""Lists the Mach-O members of a static library (ar, GNU or BSD names) with the platform and
minimum OS they were built for, for scripts/check-kit.sh: an object built for the wrong platform
(macOS, the simulator) links into an iOS app only with a warning, then fails review or at run
time. The platform comes from LC_BUILD_VERSION, or from the older LC_VERSION_MIN_IPHONEOS (which
means iOS device) that Rust's prebuilt standard library objects still carry.

    python3 macho_archive.py LIB.a   ->  one line per member: NAME CPU PLATFORM MINOS COMMAND
"""
import struct
import sys

PLATFORMS = {1: "macos", 2: "ios", 3: "tvos", 4: "watchos", 6: "maccatalyst", 7: "ios-simulator"}
CPUS = {0x0100000C: "arm64", 0x01000007: "x86_64"}
LC_BUILD_VERSION = 0x32
VERSION_MIN = {0x24: "macos", 0x25: "ios", 0x2F: "tvos", 0x30: "watchos"}  # LC_VERSION_MIN_*


def members(data):
    if data[:8] != b"!<arch>\n":
        raise SystemExit("not an ar archive")
    pos, longnames = 8, b""
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode().strip()
        size = int(header[48:58].decode().strip())
        body = data[pos + 60:pos + 60 + size]
        if name.startswith("#1/"):  # BSD: the name precedes the data
            n = int(name[3:])
            name, body = body[:n].rstrip(b"\0").decode(), body[n:]
        elif name == "//":
            longnames = body
            name = None
        elif name.startswith("/") and name[1:].isdigit():  # GNU long name
            off = int(name[1:])
            name = longnames[off:longnames.index(b"/\n", off)].decode()
        elif name in ("/", "__.SYMDEF", "__.SYMDEF SORTED", "/SYM64/"):
            name = None
        else:
            name = name.rstrip("/")
        if name is not None:
            yield name, body
        pos += 60 + size + (size & 1)


def build_version(obj):
    if struct.unpack_from("<I", obj)[0] != 0xFEEDFACF:
        return None
    cpu, _, _, ncmds, _, _, _ = struct.unpack_from("<IIIIIII", obj, 4)
    off, found = 32, ("none", "none", "none")
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", obj, off)
        if cmd == LC_BUILD_VERSION:
            p, v = struct.unpack_from("<II", obj, off + 8)
            found = (PLATFORMS.get(p, str(p)), version(v), "LC_BUILD_VERSION")
        elif cmd in VERSION_MIN:
            (v,) = struct.unpack_from("<I", obj, off + 8)
            found = (VERSION_MIN[cmd], version(v), "LC_VERSION_MIN")
        off += size
    return (CPUS.get(cpu, hex(cpu)), *found)


def version(v):
    return f"{v >> 16}.{(v >> 8) & 0xFF}"


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    for name, body in members(data):
        info = build_version(body)
        print(name, *(info or ("not-macho", "-", "-", "-")))


if __name__ == "__main__":
    main()
