"""How a badge reaches its member (base.py), one module per channel, and what its delivery state
means (state.py), read by the dashboard, the claim page, the report and the API alike."""
