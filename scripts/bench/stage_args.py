"""What the peer data-stage scripts (pandas_stages.py, polars_stages.py) share: their arguments
(`STAGE WORKDIR GENRES_FILE`), the genres kept, the feature columns and the song base's path."""
import os
import sys

stage, work, genres_file = sys.argv[1], sys.argv[2], sys.argv[3]
genres = open(genres_file).read().split()
features = ["key", "acousticness", "danceability", "energy", "instrumentalness", "loudness",
            "speechiness", "valence", "tempo"]
song_df = os.path.join(work, "song_df.csv")
