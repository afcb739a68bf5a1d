"""``python -m matcher``: compile the engine's numba kernels ahead of their first use.

numba compiles on a machine's first call (about 20 s) and caches the result beside the
source, so every later process loads it in a fraction of a second. ``make`` runs this
after installing, so that no server answers its first search 20 s late."""

import time

import numpy as np

from matcher import Index, Post


def main() -> None:
    started = time.perf_counter()
    index = Index.from_arrays(
        np.arange(3),
        np.array([45.18, 45.19, 45.2]),
        np.array([5.72, 5.73, 5.74]),
        np.array(["food", "pets", "food"]),
        np.array(["offer", "request", "offer"]),
        np.array([1.0, 2.0, 3.0]),
    )
    index.add(Post(9, 45.185, 5.725, "food", "offer", 4.0))
    index.search(45.19, 5.73, 2_000.0, category="food", kind="offer", before=(3.0, 2))
    index.within_box(45.0, 5.0, 46.0, 6.0, category=["food", "pets"])
    print(f"matcher: kernels ready in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
