"""Writes a Million Playlist Dataset slice of playlists drawn from a song base, for
scripts/bench-predict:

  make_playlists.py SONG_BASE COUNT SLICE_JSON [SEED]

Half the playlists hold one genre, half two; 10 to 30 tracks each, as spotify:track: URIs.
"""
import csv
import json
import random
import sys

song_base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
generator = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
by_genre = {}
with open(song_base, newline="") as f:
    for row in csv.DictReader(f):
        by_genre.setdefault(row["genre"], []).append(row["uri"])
genres = sorted(by_genre)
playlists = []
for pid in range(count):
    chosen = generator.sample(genres, 1 + pid % 2)
    size = generator.randint(10, 30)
    pool = [uri for genre in chosen for uri in by_genre[genre]]
    tracks = generator.sample(pool, size)
    playlists.append({"name": " + ".join(chosen), "pid": pid, "num_tracks": size,
                      "tracks": [{"pos": i, "track_uri": "spotify:track:" + uri} for i, uri in enumerate(tracks)]})
with open(out, "w") as f:
    json.dump({"info": {"slice": f"0-{count - 1}", "generated_by": "scripts/bench/make_playlists.py"},
               "playlists": playlists}, f)
