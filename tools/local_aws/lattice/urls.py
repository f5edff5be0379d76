"""URL patterns of the VPC Lattice backend (moto derives this module's name from models.py's).

One catch-all path: moto finds the operation from the method and path with botocore's model, so the backend does
not need a pattern per resource.
"""

from .responses import LatticeResponse

url_bases = [r"https?://vpc-lattice\.(.+)\.amazonaws\.com"]

url_paths = {"{0}/.*$": LatticeResponse.dispatch}
