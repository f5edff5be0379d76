"""The local AWS endpoint: moto in server mode, extended with the VPC Lattice API."""
