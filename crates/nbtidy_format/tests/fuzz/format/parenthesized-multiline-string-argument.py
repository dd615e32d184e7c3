# nbtidy-fuzz settings=0
t(("""
"""))