import Foundation
import Testing
@testable import MGovLog

@Suite struct MerkleTests {}
