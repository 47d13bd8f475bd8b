"""The spec: its models (`qnkpi.spec.models`), the loader (`qnkpi.spec.loader`) and the
checks across its sections."""
