"""The suite itself: every test can be handed to a parallel worker."""

from collections import Counter

import pytest


def test_every_collected_test_has_a_node_id_of_its_own(request):
    """pytest-xdist sends its workers node ids: two tests under one id would
    run as one, and the other would be dropped from the run unreported (the
    API's schemathesis tests, one per operation, came under one id)."""
    nodeids = [item.nodeid for item in request.session.items]
    assert [nodeid for nodeid, count in Counter(nodeids).items() if count > 1] == []


@pytest.mark.xdist_group("collection")
def test_a_test_marked_with_a_group_carries_it_to_the_controller(request):
    """In a worker of a ``--dist=loadgroup`` run (the default options), a grouped
    test's node id ends with its group, which keeps the group on one worker;
    run in one process (``-n 0``), the node id is the test's own."""
    in_a_grouping_worker = request.config.getoption("loadgroup", False)
    name = "tests/test_collection.py::test_a_test_marked_with_a_group_carries_it_to_the_controller"
    assert request.node.nodeid == (name + "@collection" if in_a_grouping_worker else name)
