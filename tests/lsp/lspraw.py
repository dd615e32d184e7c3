"""A bare JSON-RPC client over the server's stdio, for what a well-behaved client library never
sends: malformed frames, bad JSON, out-of-range edits, cancellation at a chosen moment."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time

from conftest import NBTIDY


class RawServer:
    def __init__(self, env=None, argv=None):
        self.process = subprocess.Popen(
            argv or [NBTIDY, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.seen: list[dict] = []
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send_bytes(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params=None) -> int:
        id_ = self.next_id
        self.next_id += 1
        self.send({"id": id_, "method": method, "params": params})
        return id_

    def notify(self, method: str, params=None) -> None:
        self.send({"method": method, "params": params})

    def wait(self, predicate, what: str, timeout: float = 30.0) -> dict:
        """The first message (seen or coming) matching `predicate`."""
        for message in self.seen:
            if predicate(message):
                self.seen.remove(message)
                return message
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; seen: {self.seen[-5:]}")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(message):
                return message
            self.seen.append(message)

    def response(self, id_: int, timeout: float = 30.0) -> dict:
        return self.wait(lambda m: m.get("id") == id_ and "method" not in m, f"the answer to {id_}", timeout)

    def initialize(self, root) -> dict:
        answer = self.response(self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
        }))
        self.notify("initialized", {})
        return answer

    def close(self) -> int:
        if self.process.poll() is None:
            self.process.stdin.close()
        return self.process.wait(timeout=30)
