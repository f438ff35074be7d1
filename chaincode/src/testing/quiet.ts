// Loaded by mocha before the tests: keep fabric-contract-api's decorator logging out of the test output.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning';
