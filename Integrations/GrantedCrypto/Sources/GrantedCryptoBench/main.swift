// Filled in by the benchmark commit.
print("granted-crypto-bench: not yet")
