"""Reading Million Playlist Dataset slices (mpd.slice.*.json) for scripts/compare-cf.

A track is keyed by its 22-character Spotify id (what msr keys tracks by: `spotify:track:ID` less
the prefix). Playlists become a binary playlist x track matrix: a track counts once per playlist,
at its first place.
"""
import json
import os
import re
from array import array

import numpy as np

PREFIX = "spotify:track:"


def track_id(uri):
    uri = uri.strip()
    return uri[len(PREFIX):] if uri.startswith(PREFIX) else uri


def slice_files(folder):
    """The folder's mpd.slice.*.json files, by their first playlist number (then by name)."""
    names = [n for n in os.listdir(folder) if n.startswith("mpd.slice.") and n.endswith(".json")]

    def key(name):
        match = re.match(r"mpd\.slice\.(\d+)-(\d+)\.json$", name)
        return (int(match.group(1)) if match else float("inf"), name)

    return [os.path.join(folder, n) for n in sorted(names, key=key)]


def load(path):
    with open(path, "rb") as f:
        return json.load(f)


class Matrix:
    """Distinct tracks of each playlist as CSR arrays; tracks numbered by first appearance."""

    def __init__(self):
        self.ids = []
        self.numbers = {}
        self.indices = array("i")
        self.indptr = array("q", [0])

    def add(self, playlist):
        seen = set()
        numbers, ids, indices = self.numbers, self.ids, self.indices
        for track in playlist.get("tracks", ()):
            tid = track_id(track["track_uri"])
            number = numbers.get(tid)
            if number is None:
                number = numbers[tid] = len(ids)
                ids.append(tid)
            if number not in seen:
                seen.add(number)
                indices.append(number)
        self.indptr.append(len(indices))

    @property
    def rows(self):
        return len(self.indptr) - 1

    def arrays(self):
        return np.frombuffer(self.indptr, dtype=np.int64).copy(), np.frombuffer(self.indices, dtype=np.int32).copy()


def read_matrix(folder):
    """Every playlist of the folder's slices, in file order."""
    matrix = Matrix()
    for path in slice_files(folder):
        for playlist in load(path)["playlists"]:
            matrix.add(playlist)
    return matrix
