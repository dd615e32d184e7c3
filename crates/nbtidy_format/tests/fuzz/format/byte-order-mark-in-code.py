# nbtidy-fuzz settings=1
﻿#def r():()x[i]def e():g