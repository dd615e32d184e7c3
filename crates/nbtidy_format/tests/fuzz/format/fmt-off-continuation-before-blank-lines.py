# nbtidy-fuzz settings=1
#fmt:off
t(n="",n=e)\


d