import ClusterStore
import Testing

/// Which recordings a cluster's bundle can copy on this node: any node's in the share, only
/// this node's elsewhere.
struct ClusterRecordingReachTests {
    private let reach = ClusterRecordingReach(localNode: "gw-1", localStateDirectory: "/var/lib/tracegate",
                                              sharedRecordings: "/srv/recordings/")

    @Test func anyNodesRecordingInTheShareIsReachable() {
        #expect(reach.file(path: "/srv/recordings/gw-2/c-1-s-1.cast", node: "gw-2") == "/srv/recordings/gw-2/c-1-s-1.cast")
        #expect(reach.file(path: "/srv/recordings/gw-1/c-1-s-1.cast", node: "gw-1") == "/srv/recordings/gw-1/c-1-s-1.cast")
    }

    @Test func anotherNodesFileOutsideItsShareDirectoryIsNot() {
        // Its own state directory, the same path as this node's: another disk's file.
        #expect(reach.file(path: "/var/lib/tracegate/recordings/c-1-s-1.cast", node: "gw-2") == nil)
        #expect(reach.file(path: "recordings/c-1-s-1.cast", node: "gw-2") == nil)
        // Under the share, but in another node's directory, or climbing out of its own.
        #expect(reach.file(path: "/srv/recordings/gw-1/c-1-s-1.cast", node: "gw-2") == nil)
        #expect(reach.file(path: "/srv/recordings/gw-2/../gw-3/c-1-s-1.cast", node: "gw-2") == nil)
        #expect(reach.file(path: "/srv/recordings/gw-2/c-1-s-1.cast", node: nil) == nil)
    }

    @Test func thisNodesOwnFilesAreReachableWithoutAShare() {
        let alone = ClusterRecordingReach(localNode: "gw-1", localStateDirectory: "/var/lib/tracegate", sharedRecordings: nil)
        #expect(alone.file(path: "recordings/c-1-s-1.cast", node: "gw-1") == "/var/lib/tracegate/recordings/c-1-s-1.cast")
        #expect(alone.file(path: "/data/rec/c-1-s-1.cast", node: "gw-1") == "/data/rec/c-1-s-1.cast")
        #expect(alone.file(path: "/srv/recordings/gw-2/c-1-s-1.cast", node: "gw-2") == nil)
    }
}
