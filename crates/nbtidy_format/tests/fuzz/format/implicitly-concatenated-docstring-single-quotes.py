# nbtidy-fuzz settings=4
def e():":"""