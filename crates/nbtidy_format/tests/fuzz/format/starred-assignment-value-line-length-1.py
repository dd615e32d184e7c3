# nbtidy-fuzz settings=2
x=*1