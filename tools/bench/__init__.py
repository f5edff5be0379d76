"""The benchmark of issue 6: our site.yml and teardown against two peers on the same topology.

The peers are the floor (``bench.floor``: one boto3 process making only the necessary calls) and the AWS CLI
sequence of the getting-started tutorial (``bench.cli_tutorial``: one ``aws`` process per call). Both carry out
the steps ``bench.plan`` derives from the mesh declaration. ``python -m bench`` (``scripts/bench``) runs it all.
"""
