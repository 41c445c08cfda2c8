/// The CSV files waiting in `feed.new_dir` (`FolderListing`).
enum NewSongFiles {
    /// The `*.csv` names in `folder`, in name order; none when the folder does not exist. A
    /// path that is not a folder, or a folder that cannot be read, is an error naming the key;
    /// a `.csv` whose name is not UTF-8 is a bad-data error naming it with its bytes escaped
    /// (a Swift path cannot hold it, so it could be neither read nor archived).
    static func list(_ folder: String) throws -> [String] {
        try FolderListing.files(in: folder, suffix: ".csv", key: "feed.new_dir", unread: "nothing merged")
    }
}
