!pip install transformers accelerate -q\
  
  # c