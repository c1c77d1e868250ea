/// Where the gateway listens. Same syntax and shape as a target address.
package typealias ListenAddress = HostAndPort
