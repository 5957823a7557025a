/// Routing for hosts that hand every request over: the endpoints Granted answers by itself.
extension AuthorizationServer {
    /// Routes a request to the endpoint it is for, by path; nil for paths that are not Granted's
    /// own (the authorization endpoint needs the host's UI, and the host's API is the host's).
    public func handle(_ request: OAuthRequest) async -> OAuthResponse? {
        if clientRegistry != nil, configurationClientID(request.path) != nil {
            return await clientConfiguration(request)
        }
        return switch request.path {
        case paths.token: await token(request)
        case paths.pushedAuthorizationRequest: await pushedAuthorizationRequest(request)
        case paths.deviceAuthorization: await deviceAuthorization(request)
        case paths.revocation: await revoke(request)
        case paths.introspection: await introspect(request)
        case paths.userInfo where canSignIDTokens: await userInfo(request)
        case paths.jwks where canSignIDTokens: jwks(request)
        case paths.openIDConfiguration where canSignIDTokens: metadata(request)
        case paths.authorizationServerMetadata: metadata(request)
        case paths.registration where clientRegistry != nil: await register(request)
        default: nil
        }
    }
}
