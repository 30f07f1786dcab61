// The archive: section: a password never in the config, and where it comes from instead.
import Testing
@testable import TestbedConfiguration
import Foundation

@Suite("Archive settings")
struct ArchiveSettingsTests {
    private func write(_ text: String) throws -> String {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("haechi-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("archive.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("A password in the URL or a key=value string is refused at its line", arguments: [
        "postgresql://haechi:secret@db/haechi", "postgres://u:p@db:5432/x?sslmode=require", "postgresql://haechi@db/haechi?password=secret",
        "host=db user=haechi password=secret dbname=haechi", "PASSWORD=secret host=db",
    ])
    func passwordInURL(url: String) throws {
        let path = try write("site: {}\narchive:\n  url: \"\(url)\"\n  store: store\n")
        do throws(RuntimeError) {
            _ = try ArchiveSettings.load(path: path)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .config && error.line == 3 && error.field == "archive.url")
            #expect(error.message.contains("holds a password"))
            #expect(!error.description.contains("secret"))
        }
    }

    @Test("URLs without a password are accepted", arguments: [
        "postgresql://haechi@db.range.local:5432/haechi", "postgresql://db/haechi?sslmode=verify-full", "host=db user=haechi dbname=haechi",
        "postgresql://%2Fvar%2Frun%2Fpostgresql/haechi",
    ])
    func plainURL(url: String) throws {
        let settings = try ArchiveSettings.load(path: try write("archive:\n  url: \"\(url)\"\n  range: cell-1\n"))
        #expect(settings.url == url && settings.range == "cell-1" && settings.passwordEnvironment == nil)
    }

    @Test("The password comes from the named variable or the first line of the named file")
    func passwordSources() throws {
        let path = try write("archive:\n  url: postgresql://h@db/h\n  password_env: MY_ARCHIVE_PW\n  store: shared/store\n")
        let settings = try ArchiveSettings.load(path: path)
        #expect(try settings.password(environment: ["MY_ARCHIVE_PW": "pw1"]) == "pw1")
        #expect(throws: RuntimeError.self) { try settings.password(environment: [:]) }
        #expect(settings.store == ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/store"))
        let filePath = try write("archive:\n  url: postgresql://h@db/h\n  password_file: pw.txt\n")
        try "pw2\nignored\n".write(toFile: ((filePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("pw.txt"),
                                   atomically: true, encoding: .utf8)
        #expect(try ArchiveSettings.load(path: filePath).password(environment: [:]) == "pw2")
        let neither = try ArchiveSettings.load(path: try write("archive:\n  url: postgresql://h@db/h\n"))
        #expect(try neither.password(environment: ["PGPASSWORD": "libpq reads this itself"]) == nil)
    }

    @Test("Mistakes name the field: both password sources, a bad range name, an unknown key, no section")
    func mistakes() throws {
        for (text, field) in [("archive:\n  url: postgresql://h@db/h\n  password_env: A\n  password_file: b\n", "archive"),
                              ("archive:\n  url: postgresql://h@db/h\n  range: \"cell 1/..\"\n", "archive.range"),
                              ("archive:\n  url: postgresql://h@db/h\n  passwd: x\n", "archive"),
                              ("site: {}\n", "archive")] {
            let path = try write(text)
            do {
                _ = try ArchiveSettings.load(path: path)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == .config && error.field?.hasPrefix(field) == true, "\(error)")
            }
        }
    }
}
