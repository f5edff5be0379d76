"""Helpers for the module_utils unit tests: a fake clock, a ClientError factory and a fake Lattice client.

The fake client only records what our code asks for and replays answers the test scripts; it
encodes no AWS behaviour of its own.
"""

from botocore.exceptions import ClientError


def client_error(code, message="boom", operation="Operation", **extra):
    response = {"Error": {"Code": code, "Message": message}}
    response.update(extra)
    return ClientError(response, operation)


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class Scripted:
    """A callable returning (or raising) scripted results in order, then repeating the last one."""

    def __init__(self, *results):
        self.results = list(results)
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append(kwargs or args)
        result = self.results[0] if len(self.results) == 1 else self.results.pop(0)
        if isinstance(result, BaseException):
            raise result
        return result


class FakePaginator:
    def __init__(self, pages, calls):
        self.pages = pages
        self.calls = calls

    def paginate(self, **params):
        self.calls.append(params)
        return self

    def build_full_result(self):
        items = []
        for page in self.pages:
            items.extend(page)
        return {"items": items}


class FakeClient:
    """Stands in for the retrying vpc-lattice client: methods are Scripted callables set by the test,
    ``pages[operation]`` lists the pages a paginator returns."""

    def __init__(self, **methods):
        self.pages = {}
        self.paginate_calls = []
        for name, method in methods.items():
            setattr(self, name, method)

    def get_paginator(self, operation):
        if operation not in self.pages:
            raise AssertionError(f"unexpected paginator {operation}")
        return FakePaginator(self.pages[operation], self.paginate_calls)
