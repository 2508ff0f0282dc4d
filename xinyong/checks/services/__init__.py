"""The writes of the check loop (R11–R16): check → answer with measures → feedback.

- `answering`: the rules that decide an answer, from the in-memory snapshot, and the single check;
- `batch`: up to 10,000 codes at once, answered as JSON made from parts (with `answering`, the hot path:
  docs/design/check-path.md);
- `storage`: the rows and batches the writers store behind the answers, and a check read back;
- `feedback`: feedback on a check's measures;
- `extensions`: what other slices register to add to answers.

Reads (a stored check and its proof, who hears of a list change, the loop figures) are in `selectors`.
"""
