"""Shared test set-up: the explorer's record of where decision logs live goes to the test session's own folder,
never to the user's state folder (set for the whole session, so module fixtures that save decisions use it too)."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_state_folder(tmp_path_factory):
    before = os.environ.get("READINESS_STATE_DIR")
    os.environ["READINESS_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    yield
    if before is None:
        os.environ.pop("READINESS_STATE_DIR", None)
    else:
        os.environ["READINESS_STATE_DIR"] = before
