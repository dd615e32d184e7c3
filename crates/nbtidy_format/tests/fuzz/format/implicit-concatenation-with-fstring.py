# nbtidy-fuzz settings=0
def f(step, total):
    end = ""f"{x!r:>{w}}" if step < total else "\n"