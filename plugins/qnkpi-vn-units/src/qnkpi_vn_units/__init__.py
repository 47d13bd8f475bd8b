"""qnkpi-vn-units: Vietnam's administrative units as a qnkpi org-unit provider.

Registers the provider `vn-admin-units`: the org-unit tree of any Vietnamese province,
before and after the reform of 1 July 2025 (district level abolished), built from the
data of the `vietnamadminunits` package. Specs write:

```yaml
org_units: {provider: vn-admin-units, province: "22"}
```

and `qnkpi org-units vn-admin-units province=22 -o org-units.yaml` writes the tree as
an org-units file. Importing this module reads no data: the data are read on the first
`provide` call, once per process.
"""

from __future__ import annotations

from collections.abc import Callable

from qnkpi import hookimpl
from qnkpi_vn_units.provider import DEFAULT_REFORM_DAY, LEVELS, VnAdminUnits

__all__ = ["DEFAULT_REFORM_DAY", "LEVELS", "PROVIDER_NAME", "VnAdminUnits", "__version__",
           "register_org_unit_providers"]

__version__ = "0.1.0"

#: The name specs give as `org_units: {provider: ...}`.
PROVIDER_NAME = "vn-admin-units"


@hookimpl
def register_org_unit_providers(register: Callable[..., None]) -> None:
    """Register the `vn-admin-units` provider."""
    register(PROVIDER_NAME, VnAdminUnits())
