# nbtidy-fuzz settings=2
f"{x!r:>{w
}}"