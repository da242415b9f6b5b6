import pytest

import screener

DICT = "法轮功\nfuck\nsex\tseverity=4\n"


@pytest.fixture(scope="session")
def db():
    return screener.compile(texts={"test": DICT})


@pytest.fixture(scope="session")
def db2():
    """Two categories, an allow-list entry and directives."""
    return screener.compile(texts={
        "politics": "# political terms\n@severity 3\n法轮功\n六四\tseverity=4\n",
        "porn": "sex\tseverity=4\nfuck\n口交\n路口交通\tallow\n",
    })
