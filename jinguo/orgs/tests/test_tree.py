from jinguo.orgs import tree


def test_child_path_appends_a_fixed_width_segment():
    assert tree.child_path("00000001", 42) == "0000000100000042"


def test_upper_bound_increments_the_last_segment():
    assert tree.upper_bound("0000000100000042") == "0000000100000043"
    assert tree.upper_bound("00000009") == "00000010"


def test_every_descendant_path_lies_inside_the_range():
    root = "0000000100000099"
    child = tree.child_path(root, 99999999)
    assert root <= child < tree.upper_bound(root)
    sibling = tree.child_path("00000001", 100)
    assert not (root <= sibling < tree.upper_bound(root))


def test_ids_and_ancestors_are_read_back_from_the_path():
    path = "000000010000000200000003"
    assert tree.ids_in_path(path) == [1, 2, 3]
    assert tree.ancestor_paths(path) == ["00000001", "0000000100000002"]
    assert tree.depth(path) == 3
