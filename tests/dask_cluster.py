"""The LocalCluster the Dask test modules share: 2 workers in threads of this process
(`processes=False`, for speed). A module makes it its fixture with
`client = pytest.fixture(scope="module")(local_client)`."""

import pytest

distributed = pytest.importorskip("distributed")


def local_client():
    with distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c
