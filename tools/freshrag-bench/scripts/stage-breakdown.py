#!/usr/bin/env python3
"""Per-stage breakdown of the live edits of `./freshrag bench freshness`, from the services' span logs.

Run the bench with tracing to the log (README, Observability), then point this at the bench stack's logs:

  FRESHRAG_JAVA_OPTS='-Dquarkus.otel.sdk.disabled=false -Dquarkus.log.category."freshrag.spans".level=DEBUG' \
    ./freshrag bench freshness
  python3 tools/freshrag-bench/scripts/stage-breakdown.py .freshrag/bench/stack/logs

A live edit is a trace whose `kb.chunk-ops process` span names a probe tenant (`live-*`: the bulk-load phase, `edit-*`:
the unmarked-flood phase). Stages (ms, p50/p95/max over the phase's edits); the gaps need the log's start= field:
  ingest wait    PUT start -> the Streams thread starts the record (queue in kb.doc-changes)
  ingest         `kb.doc-changes process` (validate, guard, chunk, diff)
  hop            end of that -> the embed-service's connector receives the kb.chunk-ops record (EOS commit, fetch)
  embed wait     received -> its slice's model call starts (the slice or call in progress, the live pool)
  embed          the slice's embedding
  write wait     embedding done -> its write starts (the writer busy with an earlier write)
  write+commit   `index commit`
  to durable     PUT start -> durable (the sum; searchable adds the query-service's refresh and the bench's poll)
"""
import re
import sys
from collections import defaultdict
from pathlib import Path

LINE = re.compile(r"span trace=(\w+) id=(\w+) parent=(\S+) links=\d+(?: start=(\d+))? ([\d.]+) ms '([^']*)' (.*)$")
TENANT = re.compile(r"freshrag\.tenant=([^,}]+)")


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def main(logdir):
    traces = defaultdict(dict)
    for name in ("ingest-service.log", "embed-service.log"):
        path = Path(logdir) / name
        if not path.exists():
            continue
        for line in path.open(errors="replace"):
            m = LINE.search(line)
            if not m:
                continue
            trace, _, _, start, ms, span, attrs = m.groups()
            key = "PUT" if span.startswith("PUT ") else span
            t = TENANT.search(attrs)
            traces[trace][key] = (int(start) / 1000 if start else None, float(ms), t.group(1) if t else None)
    phases = {"live-": "bulk load (documents:bulk)", "edit-": "unmarked Kafka flood, other tenant"}
    stages = ["ingest wait", "ingest", "hop", "embed wait", "embed", "write wait", "write+commit", "to durable"]
    for prefix, phase in phases.items():
        rows = []
        for spans in traces.values():
            proc = spans.get("kb.chunk-ops process")
            if not proc or not (proc[2] or "").startswith(prefix):
                continue
            put, ing, emb, com = (spans.get(k) for k in ("PUT", "kb.doc-changes process", "embed", "index commit"))
            if not (ing and emb and com):
                continue
            r = {"ingest": ing[1], "embed": emb[1], "write+commit": com[1]}
            if proc[0] is not None and emb[0] is not None and com[0] is not None:
                rec = spans.get("kb.chunk-ops receive")
                r["embed wait"] = emb[0] - proc[0]
                r["write wait"] = com[0] - (emb[0] + emb[1])
                if rec:
                    r["hop"] = rec[0] - (ing[0] + ing[1])
                if put:
                    r["ingest wait"] = ing[0] - put[0]
                    r["to durable"] = com[0] + com[1] - put[0]
            else:
                r["embed wait"] = proc[1] - emb[1] - com[1]  # without start times: received -> durable less the two
            rows.append(r)
        print(f"\n{phase}: {len(rows)} live edits traced")
        print("| stage | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|")
        for st in stages:
            v = [r[st] for r in rows if st in r]
            if v:
                print(f"| {st} | {pct(v, 50):.0f} | {pct(v, 95):.0f} | {max(v):.0f} |")
        slow = sorted((r for r in rows if "to durable" in r), key=lambda r: r["to durable"])[-max(1, len(rows) // 20):]
        if slow and "to durable" in slow[0]:
            print(f"slowest {len(slow)} (PUT -> durable >= {slow[0]['to durable']:.0f} ms), mean per stage: "
                  + ", ".join(f"{st} {sum(r.get(st, 0) for r in slow) / len(slow):.0f}" for st in stages[:-1]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".freshrag/bench/stack/logs")
