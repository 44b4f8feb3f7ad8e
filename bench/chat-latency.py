#!/usr/bin/env python3
"""Latency of whole conversation turns through POST /api/chat on a running service, one resident at a time:
each of the first N development questions from a new resident (search, classification, urgency, answer or case,
turn log). Usage: bench/chat-latency.py [N] [base-url]   (defaults 200, http://127.0.0.1:8080)"""
import json, sys, time, urllib.request

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
base = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8080"
qs = [json.loads(l)["question"][:1000] for l in open("../shared/data/legal-questions-dev.jsonl", encoding="utf-8")][:n]
run = int(time.time())
ts, outcomes = [], {}
for i, q in enumerate(qs):
    body = json.dumps({"user": f"bench-{run}-{i}", "text": q}).encode()
    t = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(base + "/api/chat", data=body, headers={"Content-Type": "application/json"})) as r:
        reply = json.load(r)
    ts.append((time.perf_counter() - t) * 1000)
    kind = "case" if reply["case"] else "suggestions" if reply["suggestions"] and not reply["citations"] else "answer" if reply["citations"] else "other"
    outcomes[kind] = outcomes.get(kind, 0) + 1
ts.sort()
pct = lambda p: ts[min(len(ts) - 1, int(len(ts) * p))]
print(f"{len(ts)} turns: p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, p99 {pct(0.99):.1f} ms, max {ts[-1]:.1f} ms; replies: {outcomes}")
