import Foundation

/// The folder that holds one mgov store, its blobs and its lock files.
///
/// Resolution order: `--home`, then `MGOV_HOME`, then `$XDG_DATA_HOME/mgov`,
/// then `~/.local/share/mgov`.
public struct MGovHome: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = (path as NSString).standardizingPath
    }

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> MGovHome {
        if let explicit, !explicit.isEmpty { return MGovHome(path: absolute(explicit)) }
        if let env = environment["MGOV_HOME"], !env.isEmpty { return MGovHome(path: absolute(env)) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return MGovHome(path: absolute(xdg) + "/mgov") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return MGovHome(path: home + "/.local/share/mgov")
    }

    public var databasePath: String { path + "/mgov.sqlite" }
    public var blobsPath: String { path + "/blobs" }
    var migrationLockPath: String { path + "/.migrate.lock" }

    /// Creates the folder owner-only (0700) if it is missing, whatever the umask, and tightens an
    /// existing one that is open to others when it is empty or an mgov home already (`--home
    /// /tmp` or a shared folder keeps its mode; the store's files are 0600 in any case).
    public func ensureExists() throws {
        do {
            try FileSystem.makeOwnerOnlyDirectory(path, existing: .tightenIfEmptyOrHolding("mgov.sqlite"))
        } catch CoreError.folderUnusable(_, let reason) {
            throw CoreError.homeUnusable(path: path, reason: reason)
        }
    }
}

/// Makes a relative path absolute against the current directory.
public func absolute(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    let cwd = FileManager.default.currentDirectoryPath
    return ((cwd as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
}
