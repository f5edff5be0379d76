import sys

from role_docs import main

sys.exit(main(sys.argv[1:]))
