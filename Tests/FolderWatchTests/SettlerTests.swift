import Testing
import FolderWatch

@Suite struct SettlerTests {
    private func stat(_ size: Int64, _ mtime: Int64 = 1) -> FileStat { FileStat(kind: .regular, size: size, mtimeNanoseconds: mtime) }

    @Test func aFileIsReleasedOnlyAfterAQuietPeriodWithoutChange() {
        var settler = Settler(quietPeriod: .milliseconds(500))
        var disk = ["/in/a": stat(10)]
        settler.observe("/in/a", stat(10), now: .zero)
        #expect(settler.settled(now: .milliseconds(499), restat: { disk[$0] }).isEmpty)
        let ready = settler.settled(now: .milliseconds(500), restat: { disk[$0] })
        #expect(ready.map(\.path) == ["/in/a"] && ready[0].stat == stat(10))
        #expect(settler.pendingCount == 0)
        disk["/in/a"] = nil
    }

    @Test func aChangeSeenAtTheCheckRestartsTheWait() {
        var settler = Settler(quietPeriod: .seconds(1))
        var disk = ["/in/a": stat(10)]
        settler.observe("/in/a", stat(10), now: .zero)
        disk["/in/a"] = stat(20, 2)  // appended to while we waited
        #expect(settler.settled(now: .seconds(1), restat: { disk[$0] }).isEmpty)
        #expect(settler.isPending("/in/a"))
        #expect(settler.settled(now: .milliseconds(1999), restat: { disk[$0] }).isEmpty)
        #expect(settler.settled(now: .seconds(2), restat: { disk[$0] }).map(\.stat) == [stat(20, 2)])
    }

    @Test func anObservedChangeRestartsButARepeatDoesNot() {
        var settler = Settler(quietPeriod: .seconds(1))
        let disk = ["/in/a": stat(30, 3)]
        settler.observe("/in/a", stat(10), now: .zero)
        settler.observe("/in/a", stat(30, 3), now: .milliseconds(800))   // grew: wait again
        settler.observe("/in/a", stat(30, 3), now: .milliseconds(1500))  // same: keeps its start
        #expect(settler.settled(now: .milliseconds(1799), restat: { disk[$0] }).isEmpty)
        #expect(settler.settled(now: .milliseconds(1800), restat: { disk[$0] }).count == 1)
    }

    @Test func vanishedAndForgottenFilesAreDropped() {
        var settler = Settler(quietPeriod: .zero)
        settler.observe("/in/gone", stat(1), now: .zero)
        settler.observe("/in/moved", stat(1), now: .zero)
        settler.forget("/in/moved")
        #expect(settler.settled(now: .seconds(1), restat: { _ in nil }).isEmpty)
        #expect(settler.pendingCount == 0)
    }
}
