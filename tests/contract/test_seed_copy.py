"""The vendored seed is an exact copy of the project's shared seed."""

import pytest
from contract_document import REPO_ROOT, SEED_DIR, seed_inventory

SHARED_SEED_DIR = REPO_ROOT.parent / "shared" / "seed"
SEED_FILES = ("user-endpoint.txt", "user-endpoint.inventory.json")
SEED_OPERATIONS = 47
SEED_PARAMETERS = 81


@pytest.mark.parametrize("name", SEED_FILES)
def test_vendored_seed_equals_shared_seed(name):
    shared = SHARED_SEED_DIR / name
    if not SHARED_SEED_DIR.is_dir():
        pytest.skip(f"{SHARED_SEED_DIR} is absent (a clone without the shared folder)")
    assert shared.is_file(), f"{shared} is missing from the shared seed"
    vendored = SEED_DIR / name
    assert vendored.is_file(), f"contracts/seed/{name} is missing: copy it from {shared}"
    assert vendored.read_bytes() == shared.read_bytes(), (
        f"contracts/seed/{name} differs from {shared}: copy the shared file again"
    )


def test_inventory_lists_47_operations_and_81_parameters():
    inventory = seed_inventory()
    parameters = sum(len(operation["params"]) for operation in inventory)
    assert (len(inventory), parameters) == (SEED_OPERATIONS, SEED_PARAMETERS)
