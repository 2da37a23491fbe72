#!/usr/bin/env python3
"""Writes BATCHES batches of ROWS calls into FOLDER, each a file of `calls` rows (NNNN.calls.tsv)
and one of their `call_states` rows (NNNN.states.tsv), tab-separated in COPY's text format, with
time-ordered ids like the server's (10 Crockford characters of time, 16 of a counter)."""
import os
import random
import sys

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def encode(number, length):
    text = ""
    for _ in range(length):
        text = CROCKFORD[number & 31] + text
        number >>= 5
    return text


def main(folder, batches, rows):
    os.makedirs(folder, exist_ok=True)
    at_ms = 1764633600000
    counter = random.getrandbits(79)
    for batch in range(batches):
        base = os.path.join(folder, f"{batch:04d}")
        with open(base + ".calls.tsv", "w") as calls, open(base + ".states.tsv", "w") as states:
            for row in range(rows):
                counter += 1
                number = batch * rows + row
                call_id = encode(at_ms + batch, 10) + encode(counter, 16)
                calls.write("\t".join([
                    call_id, "demo", "agent_demo", "phnum_demo", f"camp_{batch:04d}",
                    f"+3460{number:07d}", "+34601893170",
                    '{"nombre":"Cliente %d","deuda":"120"}' % number, "bulk", "3", str(at_ms),
                    "2026-12-02",
                ]) + "\n")
                states.write("\t".join([
                    call_id, "queued", "0", "\\N", "{}", "", "\\N", "", str(at_ms), "0",
                ]) + "\n")

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
