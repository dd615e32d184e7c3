!ls \
  -la
x=1