# Turns the repository's config.yaml into the image's (Containerfile): the inputs the image
# embeds stay where they are, in the project folder /srv/msr (read-only); every output goes to
# the volumes: data/ -> /data/, models/ -> /models/, metrics/ -> /data/metrics/, the service's
# JWT key beside its database in /data/serve/; the service listens on every interface of the
# container (0.0.0.0), where only a published port reaches it. The Containerfile fails the build
# when a relative path with a folder is left (a key this script does not know yet).
/^  dataset_zip: /b
/^  playlists_dir: /b
s#^\(  [a-z_]*: \)data/#\1/data/#
s#^\(  [a-z_]*: \)models/#\1/models/#
s#^\(  [a-z_]*: \)metrics/#\1/data/metrics/#
s#^\(  jwt_key_file: \)\.msr/#\1/data/serve/#
s#^\(  host: \)127\.0\.0\.1#\10.0.0.0#
