package cometchatcalls

// Version is the SDK's semantic version, also sent in the User-Agent.
const Version = "0.1.0"
