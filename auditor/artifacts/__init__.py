"""What the probes saw, as the checks read it: data types with no network code behind them."""
