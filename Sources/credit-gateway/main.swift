print("credit-gateway")
