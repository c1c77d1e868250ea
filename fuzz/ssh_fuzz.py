#!/usr/bin/python3
"""Hostile SSH client for Tracegate: malformed and abusive requests, one case at a time.

Each case talks to the gateway (authenticated with a real key where the case needs it),
sends something a well-behaved client never would, and records how the gateway answered.
After every case a normal session must still work ("echo alive"). One JSON object per
case is printed on stdout; the exit status is 0 only if the gateway served a normal
session after every case and no case hung.

    /usr/bin/python3 fuzz/ssh_fuzz.py --port 2222 --key alice --host-key "ssh-ed25519 AAAA..." \
        --user "$LOGIN@web-01" [--case NAME ...] [--list]

Needs paramiko (Debian: python3-paramiko). Only talks to the address given (loopback in
the tests).
"""

import argparse
import base64
import json
import os
import socket
import struct
import sys
import time

import paramiko
from paramiko.common import MSG_CHANNEL_FAILURE, cMSG_CHANNEL_DATA, cMSG_CHANNEL_REQUEST
from paramiko.message import Message

CASE_TIMEOUT = 30.0


def refused_request_leaves_the_channel_open(channel, message):
    """A refused channel request does not close the channel (RFC 4254 5.4), but paramiko 2.12
    closes it. A case that goes on with an exec would then send it on a channel it had
    closed, and wait for an answer the gateway owes no one."""
    with channel.lock:
        channel.event_ready = False
        channel.event.set()


paramiko.Transport._channel_handler_table[MSG_CHANNEL_FAILURE] = refused_request_leaves_the_channel_open


class Gateway:
    def __init__(self, args):
        self.host = args.host
        self.port = args.port
        self.key = paramiko.Ed25519Key.from_private_key_file(args.key)
        key_type, key_blob = args.host_key.split()[:2]
        if key_type != "ssh-ed25519":
            raise SystemExit("only an ssh-ed25519 gateway host key is supported here, got " + key_type)
        self.host_key = paramiko.Ed25519Key(data=base64.b64decode(key_blob))
        self.user = args.user

    def connect(self, user=None):
        """An authenticated transport, the gateway's host key checked."""
        sock = socket.create_connection((self.host, self.port), timeout=CASE_TIMEOUT)
        transport = paramiko.Transport(sock)
        transport.banner_timeout = CASE_TIMEOUT
        transport.auth_timeout = CASE_TIMEOUT
        transport.start_client(timeout=CASE_TIMEOUT)
        seen = transport.get_remote_server_key()
        if seen.asbytes() != self.host_key.asbytes():
            transport.close()
            raise RuntimeError("the gateway's host key does not match the pinned one")
        transport.auth_publickey(self.user if user is None else user, self.key)
        return transport

    def raw(self):
        return socket.create_connection((self.host, self.port), timeout=CASE_TIMEOUT)


def send_request(channel, kind, *fields, want_reply=True):
    """A channel request built by hand, so that any name and any field can be sent, on any
    channel, a closed one included; an answer is awaited on `channel.event`."""
    message = Message()
    message.add_byte(cMSG_CHANNEL_REQUEST)
    message.add_int(channel.remote_chanid)
    message.add_string(kind)
    message.add_boolean(want_reply)
    for field in fields:
        if isinstance(field, bool):
            message.add_boolean(field)
        elif isinstance(field, int):
            message.add_int(field)
        else:
            message.add_string(field)
    if want_reply:
        channel._event_pending()
    channel.transport._send_user_message(message)


def request(channel, kind, *fields, want_reply=True):
    """Sends a channel request; returns True when the gateway accepted it, False when it
    refused, None when no reply was asked for."""
    send_request(channel, kind, *fields, want_reply=want_reply)
    if not want_reply:
        return None
    try:
        channel._wait_for_event()
        return True
    except paramiko.SSHException:
        return False


def run_command(channel, command, timeout=CASE_TIMEOUT):
    """exec `command` and collect (status, stdout, stderr)."""
    channel.settimeout(timeout)
    accepted = request(channel, "exec", command)
    if not accepted:
        return None, b"", b"exec refused"
    stdout, stderr = b"", b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if channel.recv_ready():
            stdout += channel.recv(65536)
        elif channel.recv_stderr_ready():
            stderr += channel.recv_stderr(65536)
        elif channel.exit_status_ready() and not channel.recv_ready() and not channel.recv_stderr_ready():
            break
        else:
            time.sleep(0.01)
    else:
        raise TimeoutError("command did not end within %ss" % timeout)
    return channel.recv_exit_status(), stdout, stderr


def session_result(gateway, prepare, command="echo ok", user=None):
    """Opens a session, lets `prepare(channel)` misbehave, then runs `command`."""
    transport = gateway.connect(user)
    try:
        channel = transport.open_session(timeout=CASE_TIMEOUT)
        notes = prepare(channel) or {}
        status, stdout, stderr = run_command(channel, command)
        notes.update(status=status, stdout=stdout.decode(errors="replace")[-200:],
                     stderr=stderr.decode(errors="replace")[-300:])
        return notes
    finally:
        transport.close()


# --- the cases ---------------------------------------------------------------------------

def env_huge_value(gateway):
    def prepare(channel):
        return {"env_accepted": request(channel, "env", "LANG", "x" * (100 * 1024))}
    notes = session_result(gateway, prepare, "printf '%s' \"${#LANG}\"")
    notes["answered"] = notes["env_accepted"] is False and notes["stdout"] != str(100 * 1024)
    return notes


def env_thousands(gateway):
    def prepare(channel):
        for index in range(5000):
            request(channel, "env", "LC_FUZZ%d" % index, "v", want_reply=False)
        return {"last_accepted": request(channel, "env", "LC_LAST", "v")}
    notes = session_result(gateway, prepare, "env | grep -c '^LC_FUZZ' || true")
    # The first 64 reach the target, the rest are refused, one at a time.
    notes["answered"] = notes["last_accepted"] is False and notes["stdout"].strip() in {str(n) for n in range(1, 65)}
    return notes


def env_not_allowed(gateway):
    def prepare(channel):
        return {"env_accepted": request(channel, "env", "LD_PRELOAD", "/tmp/evil.so")}
    notes = session_result(gateway, prepare, "printf '%s' \"${LD_PRELOAD-unset}\"")
    notes["answered"] = notes["env_accepted"] is False and notes["stdout"] == "unset"
    return notes


def exec_after_close(gateway):
    """Nothing may follow a channel's CLOSE (RFC 4254 5.3): an exec sent after it must start
    nothing on the target (HostileClientTests looks for its session in the trail). A refusal
    and silence are both answers: paramiko forgets the channel once the gateway's CLOSE came."""
    transport = gateway.connect()
    try:
        channel = transport.open_session(timeout=CASE_TIMEOUT)
        channel.close()
        send_request(channel, "exec", "echo exec-after-close")
        accepted = channel.event.wait(5) and channel.event_ready
        return {"answered": not accepted, "accepted": accepted}
    finally:
        transport.close()


def pty(columns, rows, pixel_width, pixel_height):
    def case(gateway):
        def prepare(channel):
            accepted = request(channel, "pty-req", "xterm", columns, rows, pixel_width, pixel_height, b"\x00")
            return {"pty_accepted": accepted}
        notes = session_result(gateway, prepare, "stty size 2>&1; echo done")
        notes["answered"] = notes["pty_accepted"] is False or "done" in notes["stdout"]
        return notes
    return case


def window_change_absurd(gateway):
    def prepare(channel):
        request(channel, "pty-req", "xterm", 80, 24, 0, 0, b"\x00")
        for size in [(0, 0), (65535, 65535), (0xFFFFFFFF, 0xFFFFFFFF)]:
            request(channel, "window-change", size[0], size[1], 0xFFFFFFFF, 0xFFFFFFFF, want_reply=False)
        return {}
    notes = session_result(gateway, prepare, "echo done")
    notes["answered"] = "done" in notes["stdout"]
    return notes


def unknown_channel_request(gateway):
    def prepare(channel):
        return {"accepted": request(channel, "fuzz-request@tracegate.invalid", "payload" * 100)}
    notes = session_result(gateway, prepare)
    notes["answered"] = notes["accepted"] is False
    return notes


def unknown_global_request(gateway):
    transport = gateway.connect()
    try:
        answer = transport.global_request("fuzz-global@tracegate.invalid", data=("x" * 1000,), wait=True)
        return {"answered": answer is None}
    finally:
        transport.close()


def unknown_channel_type(gateway):
    transport = gateway.connect()
    try:
        try:
            transport.open_channel("fuzz-channel@tracegate.invalid", timeout=CASE_TIMEOUT)
            return {"answered": False}
        except paramiko.ChannelException as error:
            return {"answered": True, "error": str(error)}
    finally:
        transport.close()


def exec_command_line(size):
    def case(gateway):
        transport = gateway.connect()
        try:
            channel = transport.open_session(timeout=CASE_TIMEOUT)
            try:
                status, stdout, stderr = run_command(channel, "echo " + "a" * size + " | wc -c")
            except (paramiko.SSHException, EOFError, OSError, TimeoutError) as error:
                return {"answered": True, "error": repr(error)}
            return {"answered": status is not None, "status": status,
                    "stdout": stdout.decode(errors="replace")[-100:], "stderr": stderr.decode(errors="replace")[-300:]}
        finally:
            transport.close()
    return case


def exec_log_injection(gateway):
    """A command line is logged when the session starts: its newline must not forge a line."""
    notes = session_result(gateway, lambda channel: {}, "echo injected\nFORGED tracegate: access allowed tg.user=root")
    notes["answered"] = notes["status"] is not None
    return notes


def subsystem_control_characters(gateway):
    transport = gateway.connect()
    try:
        channel = transport.open_session(timeout=CASE_TIMEOUT)
        channel.settimeout(CASE_TIMEOUT)
        accepted = request(channel, "subsystem", "sftp\x1b[2J\r\nFORGED log line\x00\x07")
        stderr = b""
        deadline = time.monotonic() + 10
        while accepted and not channel.exit_status_ready() and time.monotonic() < deadline:
            if channel.recv_stderr_ready():
                stderr += channel.recv_stderr(4096)
            time.sleep(0.01)
        if accepted and channel.recv_stderr_ready():
            stderr += channel.recv_stderr(4096)
        status = channel.recv_exit_status() if accepted and channel.exit_status_ready() else None
        return {"accepted": accepted, "status": status, "stderr": stderr.decode(errors="replace"),
                "answered": accepted is False or (status is not None and status != 0)}
    finally:
        transport.close()


def username(name):
    def case(gateway):
        try:
            notes = session_result(gateway, lambda channel: {}, "echo should-not-run", user=name)
        except paramiko.AuthenticationException as error:
            # paramiko reports its own wait running out as an authentication failure.
            return {"answered": "timeout" not in str(error).lower(), "error": "authentication refused: %s" % error}
        except (paramiko.SSHException, EOFError, OSError) as error:
            return {"answered": True, "error": repr(error)}
        notes["answered"] = notes["status"] != 0 and "should-not-run" not in notes["stdout"]
        return notes
    return case


def raw_exchange(payload, read_banner_first=False):
    """Sends `payload` on a raw TCP connection and waits for the gateway to close it."""
    def case(gateway):
        sock = gateway.raw()
        started = time.monotonic()
        received = b""
        try:
            if read_banner_first:
                received += sock.recv(256)
            sock.sendall(payload)
            sock.settimeout(CASE_TIMEOUT)
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except (ConnectionResetError, BrokenPipeError):
            pass
        except socket.timeout:
            return {"answered": False, "error": "the gateway kept the connection open for %ss" % CASE_TIMEOUT}
        finally:
            sock.close()
        return {"answered": True, "closed_after": round(time.monotonic() - started, 3),
                "received": received[:80].decode(errors="replace")}
    return case


def truncated_then_close(gateway):
    sock = gateway.raw()
    try:
        sock.recv(256)
        sock.sendall(b"SSH-2.0-fuzz\r\n" + struct.pack(">I", 1000) + b"\x05\x14" + os.urandom(8))
    finally:
        sock.close()
    return {"answered": True, "note": "the client closed mid-packet"}


def sftp_packet(kind, body, request_id=None):
    payload = bytes([kind]) + (struct.pack(">I", request_id) if request_id is not None else b"") + body
    return struct.pack(">I", len(payload)) + payload


def sftp_string(data):
    return struct.pack(">I", len(data)) + data


SFTP_INIT = sftp_packet(1, struct.pack(">I", 3))


def read_to_close(channel, what):
    """Everything the gateway sends on `channel` until it closes it; a hang is a failure."""
    received = b""
    deadline = time.monotonic() + CASE_TIMEOUT
    while time.monotonic() < deadline:
        chunk = channel.recv(65536)
        if not chunk:
            return received
        received += chunk
    raise TimeoutError("the %s stayed open" % what)


def on_channel(gateway, body, kind, *fields):
    """Opens a session, asks for `kind` ("subsystem", "exec") with `fields`, and hands the
    channel to `body`; a refusal is an answer too."""
    transport = gateway.connect()
    try:
        channel = transport.open_session(timeout=CASE_TIMEOUT)
        channel.settimeout(CASE_TIMEOUT)
        if not request(channel, kind, *fields):
            return {"answered": True, kind: "refused"}
        return body(channel)
    finally:
        transport.close()


def sftp(payload):
    """An sftp subsystem session that sends `payload` (after the session started), then its
    EOF, and reads until the gateway closes the channel: the file ledger reads every byte of it,
    and must neither crash nor hold the transfer."""
    def body(channel):
        channel.sendall(payload)
        channel.shutdown_write()
        return {"answered": True, "received_bytes": len(read_to_close(channel, "sftp channel"))}
    return lambda gateway: on_channel(gateway, body, "subsystem", "sftp")


def channel_data_length(claimed, carried):
    """A session running `cat` gets a CHANNEL_DATA whose string length is `claimed` while
    `carried` bytes follow (libssh checks the length against the packet before it buffers the
    bytes, scripts/libssh-patches/channel-data-in-place.patch), then a well-formed line: the
    relay must go on, and what `cat` sends back says what the gateway let through."""
    def body(channel):
        message = Message()
        message.add_byte(cMSG_CHANNEL_DATA)
        message.add_int(channel.remote_chanid)
        message.add_int(claimed)
        message.add_bytes(carried)
        channel.transport._send_user_message(message)
        channel.sendall(b"after\n")
        channel.shutdown_write()
        echoed = read_to_close(channel, "session")
        return {"answered": True, "echoed": echoed[-80:].decode(errors="replace")}
    return lambda gateway: on_channel(gateway, body, "exec", "cat")


CASES = {
    "env-huge-value": env_huge_value,
    "env-thousands": env_thousands,
    "env-not-allowed": env_not_allowed,
    "exec-after-close": exec_after_close,
    "pty-zero": pty(0, 0, 0, 0),
    "pty-65535": pty(65535, 65535, 0, 0),
    "pty-huge-pixels": pty(80, 24, 0xFFFFFFFF, 0xFFFFFFFF),
    "pty-max-uint32": pty(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
    "window-change-absurd": window_change_absurd,
    "unknown-channel-request": unknown_channel_request,
    "unknown-global-request": unknown_global_request,
    "unknown-channel-type": unknown_channel_type,
    "exec-64k": exec_command_line(64 * 1024),
    "exec-1mib": exec_command_line(1024 * 1024),
    "subsystem-control-characters": subsystem_control_characters,
    "exec-newline-in-command": exec_log_injection,
    "username-empty": username(""),
    "username-64k": username("a" * 65536),
    "username-control-characters": username("root\r\n\x1b[31m@web-01"),
    "username-nul": username("root\x00@web-01"),
    "username-many-at": username("@".join(["a"] * 2000)),
    "banner-garbage": raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(4096)),
    "banner-endless": raw_exchange(b"SSH-2.0-" + b"A" * 300000 + b"\r\n"),
    "packet-length-huge": raw_exchange(b"SSH-2.0-fuzz\r\n" + struct.pack(">I", 0xFFFFFFF0) + os.urandom(64), True),
    "packet-garbage": raw_exchange(b"SSH-2.0-fuzz\r\n" + os.urandom(64 * 1024), True),
    "truncated-packet": truncated_then_close,
    # A data packet's own length field: claiming more than the packet holds (dropped, as
    # "Invalid data packet!"), and less (only that much is data).
    "channel-data-length-lies": channel_data_length(0x7FFFFFF0, b"abc"),
    "channel-data-length-short": channel_data_length(2, b"abcdefghij"),
    # The file ledger's parser on hostile SFTP streams (lengths that lie, truncated packets,
    # handles never opened, more requests in flight than it keeps).
    "sftp-length-lies": sftp(SFTP_INIT + struct.pack(">I", 0x7FFFFFFF) + b"\x03" + os.urandom(4096)),
    "sftp-field-length-lies": sftp(SFTP_INIT + sftp_packet(3, struct.pack(">I", 0xFFFFFF00) + b"/etc/passwd", 1)),
    "sftp-truncated-packet": sftp(SFTP_INIT + struct.pack(">I", 1000) + b"\x06" + os.urandom(100)),
    "sftp-handle-never-opened": sftp(SFTP_INIT + b"".join(
        sftp_packet(kind, sftp_string(b"\x00\x00\x00\x63") + body, request_id)
        for request_id, (kind, body) in enumerate([
            (5, struct.pack(">QI", 0, 32768)), (6, struct.pack(">Q", 0) + sftp_string(b"x" * 1000)),
            (10, struct.pack(">I", 0)), (12, b""), (4, b"")], start=1))),
    "sftp-requests-flood": sftp(SFTP_INIT + b"".join(
        sftp_packet(16, sftp_string(b"."), request_id) for request_id in range(1, 6001))),
}


def alive(gateway):
    """A normal session: what every engineer must still get after each case."""
    notes = session_result(gateway, lambda channel: {}, "echo alive")
    return notes["status"] == 0 and notes["stdout"] == "alive\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=False)
    parser.add_argument("--key", help="the engineer's ed25519 private key file")
    parser.add_argument("--host-key", help='the gateway\'s "ssh-ed25519 AAAA..." public key')
    parser.add_argument("--user", help="LOGIN@TARGET the key may reach")
    parser.add_argument("--case", action="append", help="run only these cases (default: all)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    if not (args.port and args.key and args.host_key and args.user):
        parser.error("--port, --key, --host-key and --user are required")
    gateway = Gateway(args)
    failures = 0
    for name in args.case or list(CASES):
        started = time.monotonic()
        record = {"case": name}
        try:
            record.update(CASES[name](gateway))
        except (TimeoutError, socket.timeout) as error:  # a hang is never an answer
            record.update(answered=False, error="%s: %s" % (type(error).__name__, error))
        except Exception as error:  # the gateway ended the exchange in a way the case did not foresee
            record.update(answered=True, error="%s: %s" % (type(error).__name__, error))
        record["seconds"] = round(time.monotonic() - started, 3)
        try:
            record["alive"] = alive(gateway)
        except Exception as error:
            record["alive"] = False
            record["alive_error"] = "%s: %s" % (type(error).__name__, error)
        if not record["alive"] or record["seconds"] > CASE_TIMEOUT + 5:
            failures += 1
        print(json.dumps(record), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
