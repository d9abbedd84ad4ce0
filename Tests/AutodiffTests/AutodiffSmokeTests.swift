import Testing
@testable import Autodiff
