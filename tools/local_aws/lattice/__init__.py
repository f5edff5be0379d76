"""Our VPC Lattice backend, installed in place of moto's by the local endpoint's server."""

from .models import lattice_backends
from .responses import LatticeResponse

__all__ = ["LatticeResponse", "lattice_backends"]
