"""The in-memory reference store passes the store contract (the real stores run the same suite)."""

from xblock_plchoice.core.store import MemoryBlobStore, MemoryStore

from .store_contract import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self):
        return MemoryStore()

    def make_blobs(self):
        return MemoryBlobStore()
