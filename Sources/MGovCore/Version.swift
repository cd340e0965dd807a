/// The mgov release this build is.
public enum MGovVersion {
    public static let string = "0.1.0"
}
